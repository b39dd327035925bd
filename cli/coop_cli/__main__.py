from coop_cli.main import main

main()
