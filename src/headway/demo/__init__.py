"""The demo: Headway's shipped real sample data (Hampshire, Barnet, Barnsley, Walsall) and, on top of it, an
invented but plausible year of school improvement in Hampshire (users, a categorisation round, schools causing
concern, support, a visit plan with notes), dated relative to the day it is loaded so that it never ages.

One module per domain's demo data (``imports``, ``people``, ``schools``, ``risk``, ``concerns``, ``support``,
``visits``); ``loader`` runs them in order. Each step writes only through its domain's services and checks what
exists first, so loading twice changes nothing. ``headway load_demo`` is the command."""
