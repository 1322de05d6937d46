/**
 * The custom-resource API, group {@code ec2.portcullis.dev}, version {@code v1alpha1}: {@link
 * dev.portcullis.api.v1alpha1.SecurityGroup}, {@link
 * dev.portcullis.api.v1alpha1.SecurityGroupAttachment} and {@link
 * dev.portcullis.api.v1alpha1.ReachabilityCheck}.
 *
 * <p>These classes are the public API: the build generates the CRDs in {@code crds/} from them, and
 * {@code kubectl explain} shows their {@code @JsonPropertyDescription}s. Everything the schema can
 * check (patterns, bounds, enums, CEL rules for cross-field and immutable fields) is declared here,
 * so the API server rejects a bad manifest before the operator sees it; {@link
 * dev.portcullis.api.v1alpha1.RuleSpecs} hands the rules to the engine, which checks the rest.
 */
package dev.portcullis.api.v1alpha1;
