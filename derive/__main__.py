from gradsheet.derive.console import exit_now

from .cli import main

exit_now(main())
