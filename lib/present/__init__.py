"""Presentation: stories, slides, the briefing pack and static chart images."""
