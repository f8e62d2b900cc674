from ankipress.cli.main import main

main()
