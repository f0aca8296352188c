from attio_cli.cli import main

main()
