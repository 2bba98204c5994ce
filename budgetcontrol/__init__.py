"""budgetcontrol: budget control for Danish municipal controllers.

Data flows one way: ``contract`` (read and validate a data folder or a
workbook's input Tables) -> ``engine`` (pure pandas) -> writers
(``sheets`` + ``xlsx`` for the controller workbook, ``export`` for CSV/JSON).
"""

__version__ = "0.1.0"
