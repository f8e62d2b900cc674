from ankideck.cli import main

main()
