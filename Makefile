# Run by `sam build` (template.yaml: BuildMethod makefile; samconfig.toml builds in source).
# The Lambda package holds the runtime dependencies, skill/runtime/ and content/, and nothing else.

# The project's own environment when there is one: compiling the content needs PyYAML.
PYTHON ?= $(shell test -x .venv/bin/python && echo .venv/bin/python || echo python3)
# The function's platform, not the build machine's: wheels for python3.13 on arm64, so a
# C-accelerated package such as PyYAML keeps its C loader on Lambda.
LAMBDA_PLATFORM := --platform manylinux2014_aarch64 --implementation cp --python-version 3.13 --only-binary=:all:
# The runtime dependencies, read from pyproject.toml so they are written down once.
RUNTIME_DEPENDENCIES = $(shell $(PYTHON) -c "import tomllib; print(' '.join(repr(d) for d in tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))")

build-CrampCoachFunction:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-compile $(LAMBDA_PLATFORM) --target "$(ARTIFACTS_DIR)" $(RUNTIME_DEPENDENCIES)
	# What Lambda runs is one folder, skill/runtime/ (tools/ and endpoint/ stay behind).
	mkdir -p "$(ARTIFACTS_DIR)/skill"
	cp skill/__init__.py "$(ARTIFACTS_DIR)/skill/"
	cp -R skill/runtime "$(ARTIFACTS_DIR)/skill/"
	cp -R content "$(ARTIFACTS_DIR)/"
	# Validated here, so a content mistake fails the build; Lambda then starts from the JSON.
	$(PYTHON) -m skill compile-content --for-requests --into "$(ARTIFACTS_DIR)/content"
	find "$(ARTIFACTS_DIR)" -name __pycache__ -type d -prune -exec rm -rf {} +

.PHONY: build-CrampCoachFunction
