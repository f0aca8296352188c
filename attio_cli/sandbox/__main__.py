from attio_cli.sandbox.cli import main

main()
