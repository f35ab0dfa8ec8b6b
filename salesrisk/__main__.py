"""python -m salesrisk"""

from salesrisk.cli import main

main()
