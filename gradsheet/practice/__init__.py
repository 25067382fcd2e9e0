"""The practice page: draw a problem, work it by hand, check each step in the browser.

``python -m gradsheet.practice`` (or ``gradsheet-practice``) serves it on 127.0.0.1 and opens
it. :mod:`.exercise` draws, shows, checks and solves a problem with generate's and derive's
own code; :mod:`.app` is the web layer (Flask) over it; the page itself is
``templates/practice.html`` with ``static/practice.js``, its mathematics typeset by KaTeX
served from the package.
"""
