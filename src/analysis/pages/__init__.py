"""The page layer: one module per notebook of the book.

Each module holds every table, sentence, figure and profile decision of its page; the notebook
calls it and nothing else of presentation. Pages read a year's data through the run's context
(`ctx.data`, `context.indicator_table`), give it to the pure domain modules (monitoring,
problems, recommendations, register, effectiveness, goal_tree, passports, methodology), and
turn what comes back into Russian text, styled tables and figures (`fmt`, `tables`, `plots`).
"""
