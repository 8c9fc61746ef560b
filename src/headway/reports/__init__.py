"""Reports shared by the domains: what every PDF and letter Headway makes has in common."""
