"""Site search (composition): the search page, its permission trimming, and ``polka search`` commands.

The engine lives in the kernel (``polka.search``); this package decides, from the database, what each
user may find, and re-checks every hit through the owning feature's adapter before showing it.
"""
