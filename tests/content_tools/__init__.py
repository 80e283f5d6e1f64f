"""Tests of content_tools and the sample scenes."""
