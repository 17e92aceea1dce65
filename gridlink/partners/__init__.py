"""Trading partners: who they are on the network, how they are reached, what they exchange."""
