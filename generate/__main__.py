from gradsheet.derive.console import exit_now
from gradsheet.derive.deferred import defer

defer()
from .cli import main  # noqa: E402 (after defer: SymPy loads only if a problem's kind needs it)

exit_now(main())
