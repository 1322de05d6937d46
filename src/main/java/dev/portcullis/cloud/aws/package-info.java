/**
 * The cloud port on AWS EC2 through the AWS SDK for Java v2: one client per region, EC2's error
 * codes mapped to {@link dev.portcullis.cloud.CloudException} kinds, no SDK-level retries.
 */
package dev.portcullis.cloud.aws;
