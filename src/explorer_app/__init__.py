"""The Streamlit layer of the explorer: caching, page chrome and widgets over the ``explorer`` library."""
