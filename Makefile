# Run by `sam build` (template.yaml: BuildMethod makefile; samconfig.toml builds in source).
# The Lambda package holds the runtime dependencies, skill/runtime/ and the compiled content,
# and nothing else.

# The project's own environment when there is one: compiling the content needs PyYAML.
PYTHON ?= $(shell test -x .venv/bin/python && echo .venv/bin/python || echo python3)
# The function's platform, not the build machine's: wheels for python3.13 on arm64, so any
# package with compiled code gets the function's build of it.
LAMBDA_PLATFORM := --platform manylinux2014_aarch64 --implementation cp --python-version 3.13 --only-binary=:all:
# The runtime dependencies, read from pyproject.toml so they are written down once, but
# PyYAML: the content is checked and compiled here, and the function reads the JSON.
RUNTIME_DEPENDENCIES = $(shell $(PYTHON) -c "import tomllib; print(' '.join(repr(d) for d in tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'] if not d.lower().startswith('pyyaml')))")

build-CrampCoachFunction:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-compile $(LAMBDA_PLATFORM) --target "$(ARTIFACTS_DIR)" $(RUNTIME_DEPENDENCIES)
	# What Lambda runs is one folder, skill/runtime/ (tools/ and endpoint/ stay behind).
	mkdir -p "$(ARTIFACTS_DIR)/skill"
	cp skill/__init__.py "$(ARTIFACTS_DIR)/skill/"
	cp -R skill/runtime "$(ARTIFACTS_DIR)/skill/"
	# But the YAML checks: the function has no YAML to check, and the build has checked it.
	rm "$(ARTIFACTS_DIR)/skill/runtime/core/loader.py"
	# The content, validated here so that a mistake fails the build, goes as JSON alone.
	mkdir -p "$(ARTIFACTS_DIR)/content"
	$(PYTHON) -m skill compile-content --for-requests --into "$(ARTIFACTS_DIR)/content"
	find "$(ARTIFACTS_DIR)" -name __pycache__ -type d -prune -exec rm -rf {} +

.PHONY: build-CrampCoachFunction
