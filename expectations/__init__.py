"""What a valid corpus is: columns, the check catalogue, pandera schemas and GX suites."""
