import { BarController, BarElement, CategoryScale, Legend, LinearScale, TimeScale, Tooltip } from 'chart.js';
import { Chart } from 'chart.js';
import 'chartjs-adapter-date-fns';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';

/**
 * Registers only the Chart.js parts the console uses (tree-shaken build), plus the date-fns time adapter and the
 * matrix chart of the completeness heat map.
 */
Chart.register(BarController, BarElement, CategoryScale, LinearScale, TimeScale, Tooltip, Legend);
Chart.register(MatrixController, MatrixElement);
