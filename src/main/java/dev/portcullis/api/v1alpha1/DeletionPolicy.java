package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to the EC2 group when its custom resource is deleted. */
public enum DeletionPolicy {
  /** Delete the EC2 group with the custom resource. */
  @JsonProperty("Delete")
  DELETE,
  /** Keep the EC2 group and its rules; only the custom resource goes away. */
  @JsonProperty("Retain")
  RETAIN
}
