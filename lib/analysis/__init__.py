"""Analysis: pure pandas over the datasets: the landscape, gaps, investment, centres, directory."""
