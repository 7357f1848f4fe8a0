# Mirrors the npm scripts, for people who type `make`.
.PHONY: install generate check test typecheck
install:
	npm ci
generate:
	npm run generate
check:
	npm run generate -- --check
test:
	npm test
typecheck:
	npm run typecheck
