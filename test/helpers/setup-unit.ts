// Unit tests never reach AWS: fake credentials and a fixed region, quiet Powertools output.
import 'aws-sdk-client-mock-jest';

process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_REGION = 'eu-west-1';
process.env.AWS_MAX_ATTEMPTS = '1';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// Node 20 is the project's local runtime (Lambda runs 22); the SDK's notice about its own future floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
delete process.env.AWS_PROFILE;
