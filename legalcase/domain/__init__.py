"""Pure rules of debt collection: no Flask, no SQLAlchemy, no I/O."""
