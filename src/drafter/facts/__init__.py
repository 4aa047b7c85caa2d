"""src/drafter/facts"""
