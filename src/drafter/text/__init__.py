"""src/drafter/text"""
