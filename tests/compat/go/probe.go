// The Go SDK v2 as a client of the compatibility suite (tests/compat/test_compat.py): what
// Terraform's AWS provider does with a profile. It loads the shared config of the profile
// named on the command line (config.LoadDefaultConfig with WithSharedConfigProfile), takes
// the credentials and the region it resolves, and calls STS GetCallerIdentity with them.
//
// The SDK Debian ships (1.17) has no AWS_ENDPOINT_URL, so the stand-in's URL comes in
// AMT_COMPAT_ENDPOINT, applied to the endpoint only: it signs for the region resolved from
// the profile, as the SDK's own resolver does (none: an empty scope, which AWS refuses). Its CA comes in AWS_CA_BUNDLE, which the SDK reads. Prints one JSON object; on a
// failure, the SDK's error on stderr and exit status 1.
//
// SPDX-License-Identifier: GPL-3.0-or-later
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func fail(stage string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", stage, err)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compat-go-probe PROFILE")
		os.Exit(2)
	}
	ctx := context.Background()
	endpoint := os.Getenv("AMT_COMPAT_ENDPOINT")
	resolver := aws.EndpointResolverWithOptionsFunc(
		func(service, region string, options ...interface{}) (aws.Endpoint, error) {
			// As the SDK's own resolver does: sign for the region resolved from the profile.
			return aws.Endpoint{URL: endpoint, HostnameImmutable: true, SigningRegion: region}, nil
		})

	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithSharedConfigProfile(os.Args[1]),
		config.WithEndpointResolverWithOptions(resolver))
	if err != nil {
		fail("load", err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		fail("credentials", err)
	}
	out := map[string]string{
		"access_key_id":     creds.AccessKeyID,
		"secret_access_key": creds.SecretAccessKey,
		"session_token":     creds.SessionToken,
		"region":            cfg.Region,
	}
	identity, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		fail("GetCallerIdentity", err)
	}
	out["arn"] = aws.ToString(identity.Arn)
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail("output", err)
	}
}
