"""Demo data for trying the portal: every invented account, record and figure, made through the
services and marked as demo data. The top layer: it imports the apps, and nothing imports it."""
