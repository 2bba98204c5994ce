"""The budget follow-up for management and the committee (budgetopfølgning): ``figures`` computes each
section from the engine's result, ``charts`` draws the images, ``document`` writes the Word document and
``pdf`` prints it through LibreOffice."""
