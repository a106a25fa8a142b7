from cxgov_cli.main import main

main()
