#!/usr/bin/env bash
# Regenerates the CRDs from the Java types in dev.portcullis.api.v1alpha1 and copies them to crds/
# and to the Helm chart's crds/, where CrdsUpToDateTest expects them. Review the diff and commit it
# with the Java change.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf target/crds   # the generator never removes the file of a kind that went away
# process-test-classes: the generator runs in process-classes, then PrinterColumnOrder (a test
# class) orders the printer columns as the custom resource classes declare them.
mvn -B -q process-test-classes
rm -f crds/*.yml
mkdir -p crds
cp target/crds/*.yml crds/
rm -f helm/portcullis/crds/*.yml
mkdir -p helm/portcullis/crds
cp crds/*.yml helm/portcullis/crds/
git status --short crds/ helm/portcullis/crds/
