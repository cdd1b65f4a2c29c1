"""`python -m data.demo`: build the demo warehouse (data.demo.generator)."""

from data.demo.generator import main

if __name__ == "__main__":
    main()
