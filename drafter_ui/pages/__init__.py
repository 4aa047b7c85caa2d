"""drafter_ui/pages"""
