/**
 * The cloud port on AWS EC2 through the AWS SDK for Java v2: one client per region, EC2's error
 * codes mapped to {@link dev.portcullis.cloud.CloudException} kinds, the SDK's standard retry mode
 * within a bound, every request counted by operation and outcome.
 */
package dev.portcullis.cloud.aws;
