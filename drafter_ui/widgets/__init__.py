"""drafter_ui/widgets"""
