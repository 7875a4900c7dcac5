"""The board pack: one self-contained HTML file for the employment board."""
