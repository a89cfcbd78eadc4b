"""What runs on AWS Lambda, and nothing else: the entry point (lambda_function.py), the
skill's handlers (app.py, handlers/), the pure core (core/) and the APL document (apl/).
The Lambda build copies this folder as it is."""
