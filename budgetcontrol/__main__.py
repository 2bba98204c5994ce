from budgetcontrol.cli import main

main()
