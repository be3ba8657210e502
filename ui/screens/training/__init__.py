"""The training screens: modules, lessons, sessions and the full-screen presenter."""
