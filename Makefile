# The two commands: `make dev` runs the system locally, `make test` passes the tests.
# `make chaos`: the whole fault matrix (docs/reliability.md); make test runs its short version.
.PHONY: dev test chaos build services services-stop migrate clean-data

dev:
	scripts/dev.sh

test:
	scripts/test.sh

chaos:
	scripts/chaos.sh --write-doc docs/reliability.md --command-line "make chaos at $$(git rev-parse --short HEAD 2>/dev/null || echo ?)"

build:
	swift build

services:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

migrate: build
	set -a && . .lookout/env && set +a && "$$(swift build --show-bin-path)/lookout" migrate

clean-data: services-stop
	rm -rf .lookout
