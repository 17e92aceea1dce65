"""The hub's side of OpenText Trading Grid: AS2 and SFTP transports, and the Lens and Community APIs."""
