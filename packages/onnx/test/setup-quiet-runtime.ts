// onnxruntime prints a warning for every old-opset test model it optimizes; the tests only need errors.
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

ortNode.env.logLevel = 'error';
ortWeb.env.logLevel = 'error';
