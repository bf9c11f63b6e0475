enum TSP {}
