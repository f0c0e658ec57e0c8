"""Start careerbot's chat app in the browser: `python app.py [--host H] [--port P]`, same as `careerbot serve`."""
import sys

from careerbot.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
