// Unit tests never reach AWS: fake credentials and a fixed region, quiet Powertools output.
import 'aws-sdk-client-mock-jest';

process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_REGION = 'eu-west-1';
process.env.AWS_MAX_ATTEMPTS = '1';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
delete process.env.AWS_PROFILE;
