"""What operators and their load balancers ask of a running POLKA: is this process up (``/healthz``),
is it ready to serve (``/readyz``)."""
