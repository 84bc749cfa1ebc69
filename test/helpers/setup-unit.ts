// Unit tests never reach AWS: fake credentials and a fixed region, quiet Powertools output.
import 'aws-sdk-client-mock-jest';
import './setup-quiet';
import { useFakeAwsEnvironment } from './fake-aws-env';

useFakeAwsEnvironment('eu-west-1');
