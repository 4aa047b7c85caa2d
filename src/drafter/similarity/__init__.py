"""src/drafter/similarity"""
