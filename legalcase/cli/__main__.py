"""python -m legalcase.cli"""

from legalcase.cli import main

main()
