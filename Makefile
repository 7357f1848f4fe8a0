# Mirrors the npm scripts, for people who type `make`. Options go through ARGS, e.g. make diff ARGS="--json".
.PHONY: install generate check test typecheck sync verify diff conformance bench build release-notes lint-package
install:
	npm ci
generate:
	npm run generate -- $(ARGS)
check:
	npm run generate -- --check $(ARGS)
test:
	npm test
typecheck:
	npm run typecheck
sync:
	npm run sync -- $(ARGS)
verify:
	npm run sync -- --verify
diff:
	npm run diff -- $(ARGS)
conformance:
	npm run conformance -- $(ARGS)
bench:
	npm run bench -- $(ARGS)
build:
	npm run build
release-notes:
	npm run release:notes -- $(ARGS)
lint-package:
	npm run lint:package
